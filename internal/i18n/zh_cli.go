package i18n

// zhCLI is the Chinese of the CLI: help texts, flag usages, table headers,
// messages and errors, keyed by their English text exactly as the code
// has it (TestCLIComplete in internal/cli lists what is missing, ready to
// paste here). Terms follow the TUI catalogue (zh.go): 联系人, 单位, 接触,
// 跟进, 承诺, 到期, 阶梯, 阶段.
func zhCLI() map[string]string {
	return map[string]string{}
}
