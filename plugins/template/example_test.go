package template_test

import (
	"fmt"

	"github.com/assaynet/assay/plugins/template"
)

func ExampleExpand() {
	v := template.Vars{Source: "prices", Height: 42, Time: 1_700_000_123e9, Window: 60}
	s, err := template.Expand("/{{source}}/{{height}}?from={{window_start}}&to={{window_end}}&at={{time}}", v)
	fmt.Println(s, err)
	// Output: /prices/42?from=1700000040&to=1700000100&at=2023-11-14T22:15:23Z <nil>
}

func ExampleValidate() {
	fmt.Println(template.Validate("{{height}}"))
	fmt.Println(template.Validate("{{hieght}}"))
	// Output:
	// <nil>
	// template: unknown variable "hieght" at offset 0 (known: source, height, unix, time, window_start, window_end)
}
