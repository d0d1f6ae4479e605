package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdMCPCheck reads a file of crm mcp's output, checks that every line is
// a JSON-RPC 2.0 response (a result or an error, with an id) and that each
// id is answered once, and prints one line per response, by id, for cmp:
//
//	1 initialize crm
//	2 tools: find_contacts list_due search show_contact
//	3 ok
//	4 tool-error: "张伟" matches 2 contacts; use an id
//	5 error -32602: unknown tool "nothing"
//
// With -text ID FILE it also writes the text of response ID's result to
// FILE, with a newline, to compare with a command's output.
//
//	mcpcheck [-text ID FILE] RESPONSES
func cmdMCPCheck(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! mcpcheck")
	}
	texts := map[string]string{}
	for len(args) >= 3 && args[0] == "-text" {
		texts[args[1]] = ts.MkAbs(args[2])
		args = args[3:]
	}
	if len(args) != 1 {
		ts.Fatalf("usage: mcpcheck [-text ID FILE] RESPONSES")
	}
	data := ts.ReadFile(args[0])
	lines := map[string]string{}
	for i, line := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		var msg struct {
			JSONRPC string          `json:"jsonrpc"`
			ID      json.RawMessage `json:"id"`
			Result  *struct {
				ServerInfo *struct{ Name string }  `json:"serverInfo"`
				Tools      []struct{ Name string } `json:"tools"`
				IsError    bool                    `json:"isError"`
				Content    []struct {
					Type, Text string
				} `json:"content"`
			} `json:"result"`
			Error *struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(line), &msg); err != nil {
			ts.Fatalf("line %d is not JSON: %v\n%s", i+1, err, line)
		}
		if msg.JSONRPC != "2.0" || len(msg.ID) == 0 || (msg.Result == nil) == (msg.Error == nil) {
			ts.Fatalf("line %d is not a JSON-RPC 2.0 response: %s", i+1, line)
		}
		id := string(msg.ID)
		if _, dup := lines[id]; dup {
			ts.Fatalf("id %s answered twice", id)
		}
		var out string
		switch r := msg.Result; {
		case msg.Error != nil:
			out = fmt.Sprintf("error %d: %s", msg.Error.Code, msg.Error.Message)
		case r.ServerInfo != nil:
			out = "initialize " + r.ServerInfo.Name
		case r.Tools != nil:
			var names []string
			for _, t := range r.Tools {
				names = append(names, t.Name)
			}
			sort.Strings(names)
			out = "tools: " + strings.Join(names, " ")
		case r.IsError:
			if len(r.Content) == 0 {
				ts.Fatalf("id %s: an error result without text", id)
			}
			out = "tool-error: " + strings.SplitN(r.Content[0].Text, "\n", 2)[0]
		default:
			if len(r.Content) != 1 || r.Content[0].Type != "text" || !json.Valid([]byte(r.Content[0].Text)) {
				ts.Fatalf("id %s: a result without one JSON text: %s", id, line)
			}
			out = "ok"
		}
		if file, ok := texts[id]; ok {
			if msg.Result == nil || len(msg.Result.Content) == 0 {
				ts.Fatalf("id %s has no text", id)
			}
			ts.Check(os.WriteFile(file, []byte(msg.Result.Content[0].Text+"\n"), 0o644))
		}
		lines[id] = out
	}
	ids := make([]string, 0, len(lines))
	for id := range lines {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if len(ids[i]) != len(ids[j]) {
			return len(ids[i]) < len(ids[j])
		}
		return ids[i] < ids[j]
	})
	for _, id := range ids {
		fmt.Fprintf(ts.Stdout(), "%s %s\n", id, lines[id])
	}
}
