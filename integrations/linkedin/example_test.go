package linkedin_test

import (
	"fmt"

	"github.com/marketingminds/marketingminds/integrations/linkedin"
)

func ExampleEscapeLittleText() {
	fmt.Println(linkedin.EscapeLittleText("Launch day (finally) for @acme_team #coffee"))
	// Output: Launch day \(finally\) for \@acme\_team #coffee
}
