package mcpserver_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// FuzzToolArguments calls each tool with arbitrary JSON object arguments:
// whatever a model sends, the answer is a tool result (an error one when
// the arguments are wrong), never a protocol error, and the server goes on.
func FuzzToolArguments(f *testing.F) {
	tools := []string{"search", "find_contacts", "show_contact", "list_due", "log_touch", "add_promise"}
	for _, seed := range []string{
		`{}`, `{"ref":"wkz"}`, `{"ref":"张伟"}`, `{"query":"变频泵","limit":3}`, `{"tier":["A"],"offset":5,"limit":2}`,
		`{"within":"2w","overdue":true}`, `{"refs":["wkz","2"],"summary":"x","at":"昨天","follow_up":"fri","next":"y"}`,
		`{"ref":"wkz","text":"x","by":"02-30"}`, `{"refs":[],"summary":""}`, `{"cost":-1}`, `{"stage":["打破僵局"],"account":["宝山"]}`,
		`{"query":"!!!"}`, `{"ref":"` + "\x1b[31m" + `"}`, `{"limit":1e300}`, `{"refs":[1,2]}`,
	} {
		for i := range tools {
			f.Add(uint8(i), seed)
		}
	}
	// One server with writes allowed, on one demo book, for every input of
	// a fuzzing process: a book per input would leave no time for inputs.
	cs := connect(f, newBook(f).Services, true)
	f.Fuzz(func(t *testing.T, tool uint8, args string) {
		var obj map[string]any
		if json.Unmarshal([]byte(args), &obj) != nil || obj == nil {
			t.Skip("arguments are a JSON object")
		}
		name := tools[int(tool)%len(tools)]
		res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: json.RawMessage(args)})
		if err != nil {
			t.Fatalf("%s(%s): protocol error %v", name, args, err)
		}
		if len(res.Content) == 0 {
			t.Fatalf("%s(%s): a result without content", name, args)
		}
	})
}
