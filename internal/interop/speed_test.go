//go:build unix

package interop

import (
	"bytes"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the processor time the test process has used: unlike the
// wall clock, it does not grow when other processes share the machine.
func cpuTime(t testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// tenThousandCards is a vCard file of 10,000 cards as the writer makes
// them, with the Android card of the fixtures (quoted-printable, a photo)
// every tenth card.
func tenThousandCards(t testing.TB) []byte {
	t.Helper()
	r := rand.New(rand.NewPCG(3, 4))
	var buf bytes.Buffer
	w, _ := NewVCardWriter(&buf, "3.0")
	android := []byte(nil)
	for i := range 10000 {
		if i%10 == 0 {
			if android == nil {
				f := fixture(t.(*testing.T), "android.vcf")
				var b bytes.Buffer
				b.ReadFrom(f)
				android = b.Bytes()
			}
			buf.Write(android)
			continue
		}
		c, dates := randContact(r)
		if err := w.Write(c, dates); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// TestDecodeVCardsSpeed: a phone's 10,000 contacts decode well under a
// second of processor time (the whole import of them has five).
func TestDecodeVCardsSpeed(t *testing.T) {
	if testing.Short() {
		t.Skip("timing under -short")
	}
	file := tenThousandCards(t)
	start, wall := cpuTime(t), time.Now()
	n := 0
	if err := DecodeVCards(bytes.NewReader(file), func(Draft) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	took := cpuTime(t) - start
	t.Logf("decoded %d cards (%d KB) in %v of processor time (%v on the clock)", n, len(file)>>10, took, time.Since(wall))
	if n != 10000+1000 { // each Android file holds two cards
		t.Fatalf("%d cards", n)
	}
	if took > time.Second {
		t.Errorf("10,000 cards took %v, want well under 1s", took)
	}
}
