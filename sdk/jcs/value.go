package jcs

// Kind is the JSON type of a Value.
type Kind uint8

// JSON kinds.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// String returns the JSON Schema name of the kind.
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "boolean"
	case Number:
		return "number"
	case String:
		return "string"
	case Array:
		return "array"
	case Object:
		return "object"
	}
	return "invalid"
}

// Value is one parsed JSON value. Only the field for its Kind is set.
type Value struct {
	Kind Kind
	Bool bool
	Num  float64
	Str  string
	Arr  []Value
	Obj  []Member // in input order; names are unique
}

// Member is one name/value pair of an object.
type Member struct {
	Name  string
	Value Value
}

// Get returns the member of an object named name.
func (v Value) Get(name string) (Value, bool) {
	for _, m := range v.Obj {
		if m.Name == name {
			return m.Value, true
		}
	}
	return Value{}, false
}

// IsInteger reports whether v is a number with no fractional part.
func (v Value) IsInteger() bool {
	return v.Kind == Number && v.Num >= -9.2e18 && v.Num <= 9.2e18 && v.Num == float64(int64(v.Num))
}

// Equal reports whether a and b are the same JSON value (objects compare
// regardless of member order, numbers by value).
func Equal(a, b Value) bool {
	return string(Append(nil, a)) == string(Append(nil, b))
}

// NewString returns a string Value.
func NewString(s string) Value { return Value{Kind: String, Str: s} }

// NewNumber returns a number Value.
func NewNumber(f float64) Value { return Value{Kind: Number, Num: f} }

// NewBool returns a boolean Value.
func NewBool(b bool) Value { return Value{Kind: Bool, Bool: b} }

// NewObject returns an object Value with these members (names must be
// unique; Append sorts them).
func NewObject(m ...Member) Value { return Value{Kind: Object, Obj: m} }

// NewArray returns an array Value.
func NewArray(a ...Value) Value { return Value{Kind: Array, Arr: a} }
