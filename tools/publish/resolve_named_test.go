package publish

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// Accounts named as people name them: a platform alone reads as posting to
// it does, a platform and a name is that account, a name alone is the one
// account so called; each refusal says what to write instead.
func TestResolveNamedAccounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	editor := identity.Caller{WorkspaceID: "W1", UserID: "U1", Role: identity.Editor}
	r := NewResolver(brandAccounts, &defaults{m: map[platform.Name]string{}}, nil)

	// A platform alone is read after the accounts named (as Platforms are).
	ts, err := r.Resolve(ctx, editor, Where{Accounts: []string{"linkedin acme outdoor", "x", "Sam Sandbox", "linkedin Coffee"}})
	if err != nil || !reflect.DeepEqual(ids(ts), []string{"li-outdoor", "li-me", "li-coffee", "x1"}) {
		t.Fatalf("named = %v, %v", ids(ts), err)
	}
	// A name that is exactly one account's wins over parts of others'.
	if ts, err := r.Resolve(ctx, editor, Where{Accounts: []string{"acme"}}); err != nil || !reflect.DeepEqual(ids(ts), []string{"x1"}) {
		t.Fatalf("acme = %v, %v", ids(ts), err)
	}
	// "linkedin" alone has three accounts and no default: the question.
	var ce *ChoiceError
	if _, err := r.Resolve(ctx, editor, Where{Accounts: []string{"linkedin"}}); !errors.As(err, &ce) || ce.Choices[0].Platform != platform.LinkedIn || len(ce.Choices[0].Options) != 3 {
		t.Fatalf("linkedin alone: %v", err)
	}
	for words, says := range map[string]string{
		"linkedin Beans": `no connected LinkedIn account is called "Beans"; the LinkedIn accounts are "Sam Sandbox", "Acme Coffee Co.", "Acme Outdoor"`,
		"linkedin Acme":  `"Acme" matches several LinkedIn accounts`,
		"Beans":          `no connected account is called "Beans"; name a platform first, like "facebook Beans"`,
		"ac":             `"ac" names several accounts; say which: "linkedin Acme Coffee Co." or "linkedin Acme Outdoor" or "x Acme"`,
		"x Old":          `no connected X account is called "Old"`,
		"twitter @nope":  `no connected X account is called "@nope"; the X accounts are "Acme"`,
	} {
		var ve *ValidationError
		_, err := r.Resolve(ctx, editor, Where{Accounts: []string{words}})
		if !errors.As(err, &ve) || len(ve.Problems) != 1 || !strings.Contains(ve.Problems[0].Message, says) {
			t.Errorf("%q: %v; want %q", words, err, says)
		}
	}
}
