// Command crm is a terminal-first relationship tracker.
package main

import (
	"os"

	"github.com/seedcrm/crm/internal/cli"
)

func main() { os.Exit(cli.Main()) }
