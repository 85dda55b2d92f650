package licensepolicy

import (
	"fmt"
	"io"
	"sort"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// Violation is one component whose license the policy does not allow.
type Violation struct {
	// Component is the module's path and version, as path@version.
	Component string
	// License is the SPDX expression found, or empty when none was.
	License string
	// Err says why License could not be evaluated, if it could not.
	Err error
}

func (v Violation) String() string {
	switch {
	case v.License == "":
		return fmt.Sprintf("%s: no license detected (add it to the clarifications once read by hand)", v.Component)
	case v.Err != nil:
		return fmt.Sprintf("%s: license %v", v.Component, v.Err)
	}
	return fmt.Sprintf("%s: license %s is not allowed by the policy", v.Component, v.License)
}

// Decode reads a CycloneDX JSON SBOM.
func Decode(r io.Reader) (*cdx.BOM, error) {
	bom := new(cdx.BOM)
	if err := cdx.NewBOMDecoder(r, cdx.BOMFileFormatJSON).Decode(bom); err != nil {
		return nil, fmt.Errorf("decode CycloneDX SBOM: %w", err)
	}
	return bom, nil
}

// Check returns the components of bom, nested ones included, whose licenses
// the policy does not allow, sorted by component. The SBOM's own subject
// (metadata.component) is the project itself and is not checked.
func (p *Policy) Check(bom *cdx.BOM) []Violation {
	var out []Violation
	if bom.Components != nil {
		for _, c := range *bom.Components {
			out = p.checkComponent(c, out)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Component < out[j].Component })
	return out
}

func (p *Policy) checkComponent(c cdx.Component, out []Violation) []Violation {
	name := c.Name + "@" + c.Version
	licenses := detected(c)
	if clarified, ok := p.Clarify[c.Name]; ok {
		licenses = []string{clarified}
	}
	if len(licenses) == 0 {
		out = append(out, Violation{Component: name})
	}
	for _, l := range licenses {
		if ok, err := p.Allows(l); !ok {
			out = append(out, Violation{Component: name, License: l, Err: err})
		}
	}
	if c.Components != nil {
		for _, nested := range *c.Components {
			out = p.checkComponent(nested, out)
		}
	}
	return out
}

// detected returns a component's license ids or expressions: the concluded
// ones if the SBOM asserts any, else the evidence (what cyclonedx-gomod's
// -licenses detection found).
func detected(c cdx.Component) []string {
	choices := c.Licenses
	if choices == nil && c.Evidence != nil {
		choices = c.Evidence.Licenses
	}
	if choices == nil {
		return nil
	}
	var out []string
	for _, choice := range *choices {
		switch {
		case choice.Expression != "":
			out = append(out, choice.Expression)
		case choice.License != nil && choice.License.ID != "":
			out = append(out, choice.License.ID)
		case choice.License != nil && choice.License.Name != "":
			out = append(out, choice.License.Name)
		}
	}
	return out
}
