package weights

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/lockstep-av/lockstep/backend"
)

// BindOptions configures Bind.
type BindOptions struct {
	// Prefix is prepended to every tensor name (include the trailing dot,
	// e.g. "model.").
	Prefix string
	// Dims gives values to the symbolic dimensions of shape tags.
	Dims map[string]int
	// ReportUnused makes tensors under Prefix that no field consumed an
	// error.
	ReportUnused bool
}

// ShapeMismatch is a tensor whose shape differs from its field's shape tag.
type ShapeMismatch struct {
	Name      string
	Want, Got []int
}

func (m ShapeMismatch) String() string {
	return fmt.Sprintf("%s: want %v got %v", m.Name, m.Want, m.Got)
}

// BindError lists every problem Bind found, each list sorted.
type BindError struct {
	Missing    []string        // required tensors absent from the file
	Mismatched []ShapeMismatch // tensors whose shape differs from the tag
	Unused     []string        // tensors under Prefix no field consumed (with ReportUnused)
	Invalid    []string        // bad tags or fields, unknown dims, backend failures
}

func (e *BindError) Error() string {
	var parts []string
	add := func(n int, what string, items []string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s (%s)", n, what, strings.Join(items, ", ")))
		}
	}
	add(len(e.Missing), "missing", e.Missing)
	mm := make([]string, len(e.Mismatched))
	for i, m := range e.Mismatched {
		mm[i] = m.String()
	}
	add(len(mm), "mis-shaped", mm)
	add(len(e.Unused), "unused", e.Unused)
	add(len(e.Invalid), "invalid", e.Invalid)
	return "bind weights: " + strings.Join(parts, ", ")
}

func (e *BindError) empty() bool {
	return len(e.Missing)+len(e.Mismatched)+len(e.Unused)+len(e.Invalid) == 0
}

var tensorType = reflect.TypeFor[backend.Tensor]()

// maxBindDepth bounds the recursion through nested structs (a tagged
// pointer to the struct's own type would otherwise recurse forever).
const maxBindDepth = 64

// Bind fills the backend.Tensor fields of the struct dst points to with
// tensors of f made by b, following struct tags:
//
//   - `weight:"name"` on a backend.Tensor field binds tensor Prefix+name;
//     `weight:"name,optional"` leaves the field nil when it is absent.
//     `shape:"d0,d1,..."` checks the shape; each d is an integer or a key
//     of opts.Dims.
//   - `weight:"sub"` on a struct or pointer-to-struct field (allocated if
//     nil) binds its fields with prefix Prefix+"sub.".
//   - `weight:"blocks"` on a slice or array of structs (or of pointers to
//     structs; the caller sets the length) binds element i with prefix
//     Prefix+"blocks.i.".
//   - `weight:""` on an embedded struct binds its fields with no added prefix.
//   - fields without a weight tag (or with `weight:"-"`) are ignored.
//
// Bind binds everything it can and returns one *BindError listing every
// missing, mis-shaped, unused (with opts.ReportUnused) tensor and every bad
// tag, so one run shows all that is wrong with a checkpoint.
func Bind(f *File, b backend.Backend, dst any, opts BindOptions) error {
	e := &BindError{}
	v := reflect.ValueOf(dst)
	if !v.IsValid() || v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		e.Invalid = append(e.Invalid, fmt.Sprintf("dst is %T, want a non-nil pointer to a struct", dst))
		return e
	}
	bd := &binder{f: f, b: b, opts: opts, used: map[string]bool{}, err: e}
	bd.bindStruct(v.Elem(), opts.Prefix, 0)
	if opts.ReportUnused {
		for _, name := range f.h.names {
			if strings.HasPrefix(name, opts.Prefix) && !bd.used[name] {
				e.Unused = append(e.Unused, name)
			}
		}
	}
	if e.empty() {
		return nil
	}
	slices.Sort(e.Missing)
	e.Missing = slices.Compact(e.Missing)
	slices.SortFunc(e.Mismatched, func(a, b ShapeMismatch) int { return strings.Compare(a.Name, b.Name) })
	e.Mismatched = slices.CompactFunc(e.Mismatched, func(a, b ShapeMismatch) bool { return a.Name == b.Name && slices.Equal(a.Want, b.Want) })
	slices.Sort(e.Unused)
	slices.Sort(e.Invalid)
	e.Invalid = slices.Compact(e.Invalid)
	return e
}

type binder struct {
	f    *File
	b    backend.Backend
	opts BindOptions
	used map[string]bool
	err  *BindError
}

func (bd *binder) invalid(format string, args ...any) {
	bd.err.Invalid = append(bd.err.Invalid, fmt.Sprintf(format, args...))
}

// bindStruct binds the tagged fields of the struct value v.
func (bd *binder) bindStruct(v reflect.Value, prefix string, depth int) {
	if depth > maxBindDepth {
		bd.invalid("%s: structs nested more than %d deep (recursive type?)", v.Type(), maxBindDepth)
		return
	}
	t := v.Type()
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, ok := sf.Tag.Lookup("weight")
		if !ok || tag == "-" {
			continue
		}
		where := t.String() + "." + sf.Name
		// Exported fields of an embedded struct are settable even when its
		// type is unexported.
		if !sf.IsExported() && !(sf.Anonymous && sf.Type.Kind() == reflect.Struct) {
			bd.invalid("%s: weight tag on an unexported field", where)
			continue
		}
		name, optional, err := parseWeightTag(tag)
		if err != nil {
			bd.invalid("%s: %v", where, err)
			continue
		}
		fv := v.Field(i)
		switch {
		case sf.Type == tensorType:
			if name == "" {
				bd.invalid("%s: empty tensor name in weight tag", where)
				continue
			}
			bd.bindTensor(fv, prefix+name, optional, sf.Tag.Get("shape"), where)
		case optional:
			bd.invalid("%s: optional applies to tensor fields only", where)
		case name == "":
			if !sf.Anonymous || !isStruct(sf.Type) {
				bd.invalid(`%s: weight:"" is for embedded structs only`, where)
				continue
			}
			bd.bindStruct(structValue(fv), prefix, depth+1)
		case isStruct(sf.Type):
			bd.bindStruct(structValue(fv), prefix+name+".", depth+1)
		case fv.Kind() == reflect.Slice || fv.Kind() == reflect.Array:
			if !isStruct(sf.Type.Elem()) {
				bd.invalid("%s: weight tag on a %s, want a slice of structs", where, sf.Type)
				continue
			}
			for j := range fv.Len() {
				bd.bindStruct(structValue(fv.Index(j)), prefix+name+"."+strconv.Itoa(j)+".", depth+1)
			}
		default:
			bd.invalid("%s: weight tag on a field of type %s", where, sf.Type)
		}
	}
}

// isStruct reports whether t is a struct or a pointer to one.
func isStruct(t reflect.Type) bool {
	return t.Kind() == reflect.Struct || t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct
}

// structValue returns the settable struct behind v (allocating a nil
// pointer to a struct); v must satisfy isStruct.
func structValue(v reflect.Value) reflect.Value {
	if v.Kind() == reflect.Struct {
		return v
	}
	if v.IsNil() {
		v.Set(reflect.New(v.Type().Elem()))
	}
	return v.Elem()
}

// bindTensor binds one backend.Tensor field to the tensor called name.
func (bd *binder) bindTensor(fv reflect.Value, name string, optional bool, shapeTag, where string) {
	var want []int
	if shapeTag != "" {
		var err error
		if want, err = bd.parseShape(shapeTag); err != nil {
			bd.invalid("%s (%s): %v", where, name, err)
		}
	}
	info, ok := bd.f.h.infos[name]
	if !ok {
		if !optional {
			bd.err.Missing = append(bd.err.Missing, name)
		}
		return
	}
	bd.used[name] = true
	if shapeTag != "" {
		if want == nil {
			return // bad tag, reported above
		}
		if !slices.Equal(want, info.Shape) {
			bd.err.Mismatched = append(bd.err.Mismatched, ShapeMismatch{Name: name, Want: want, Got: slices.Clone(info.Shape)})
			return
		}
	}
	t, err := bd.f.Tensor(bd.b, name)
	if err != nil {
		bd.invalid("%s: %v", where, err)
		return
	}
	fv.Set(reflect.ValueOf(&t).Elem())
}

// parseShape resolves a shape tag such as "hidden,4,in".
func (bd *binder) parseShape(tag string) ([]int, error) {
	parts := strings.Split(tag, ",")
	out := make([]int, len(parts))
	var unknown []string
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if n, err := strconv.Atoi(p); err == nil {
			if n < 0 {
				return nil, fmt.Errorf("negative dimension %d in shape tag %q", n, tag)
			}
			out[i] = n
			continue
		}
		n, ok := bd.opts.Dims[p]
		if !ok {
			unknown = append(unknown, strconv.Quote(p))
			continue
		}
		out[i] = n
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("unknown dim %s in shape tag %q (not in BindOptions.Dims)", strings.Join(unknown, ", "), tag)
	}
	return out, nil
}

// parseWeightTag splits `name[,optional]`.
func parseWeightTag(tag string) (name string, optional bool, err error) {
	name, opts, _ := strings.Cut(tag, ",")
	for o := range strings.SplitSeq(opts, ",") {
		switch o {
		case "":
		case "optional":
			optional = true
		default:
			return "", false, fmt.Errorf("unknown weight tag option %q", o)
		}
	}
	return name, optional, nil
}
