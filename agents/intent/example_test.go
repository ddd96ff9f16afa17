package intent_test

import (
	"fmt"

	"github.com/marketingminds/marketingminds/agents/intent"
)

func ExampleParse() {
	c, _ := intent.Parse(`schedule 'launch day' on linkedin next Monday 14:30`)
	fmt.Printf("%s %q %v %q\n", c.Kind, c.Text, c.Platforms, c.When)
	_, err := intent.Parse(`post "Hello"`)
	fmt.Println(err)
	// Output:
	// schedule "launch day" [linkedin] "next Monday 14:30"
	// post needs the platforms to publish on (facebook, instagram, x, linkedin), after "to"; usage: post "text" to x,linkedin
}
