// Package template expands the round variables in a source's fetch config.
//
// A template is a string in which `{{name}}` (spaces inside the braces are
// allowed) stands for one of the variables below; everything else is copied
// as is. There is no escaping: a template that contains "{{" must close it
// with a known variable.
//
//	{{source}}        the source id
//	{{height}}        the round's block height
//	{{unix}}          the round time, unix seconds (rounded down)
//	{{time}}          the round time, RFC 3339 in UTC, whole seconds
//	{{window_start}}  unix seconds, start of the source's closed window
//	{{window_end}}    unix seconds, end of that window
//
// The window is the closed interval of the source's `window` seconds that
// ends at or before the round time:
//
//	window_end   = floor(unix / window) * window
//	window_start = window_end - window
//
// The package is pure: no I/O, no wall clock, no map iteration, no floats,
// so the consensus state machine can call Validate and ValidateJSON when a
// source is registered and every node reaches the same answer.
//
// # Example
//
//	s, err := template.Expand("https://x/blocks/{{height}}", template.Vars{Height: 42})
//	// s == "https://x/blocks/42"
package template
