package settings_test

import (
	"fmt"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/settings"
)

// What waits for approval under each policy.
func ExamplePolicy_Requires() {
	for _, p := range []settings.Policy{settings.PolicyAgent, settings.PolicyAlways, settings.PolicyNever} {
		fmt.Println(p, "agent:", p.Requires(identity.DoorAgent), "slash:", p.Requires(identity.DoorSlash))
	}
	// Output:
	// agent agent: true slash: false
	// always agent: true slash: true
	// never agent: false slash: false
}
