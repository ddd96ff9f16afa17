package commands_test

import (
	"fmt"

	"github.com/marketingminds/marketingminds/bot/commands"
)

func ExampleParse() {
	c, _ := commands.Parse(`schedule 'launch day' on linkedin next Monday 14:30`)
	fmt.Printf("%s %q %v %q\n", c.Kind, c.Text, c.Platforms, c.When)
	_, err := commands.Parse(`post "Hello"`)
	fmt.Println(err)
	// Output:
	// schedule "launch day" [linkedin] "next Monday 14:30"
	// post needs the platforms to publish on (facebook, instagram, x, linkedin), after "to"; usage: post "text" to x,linkedin
}
