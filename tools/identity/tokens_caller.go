package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrInvalidRequest wraps bad input to the token functions; the message
// says what to change.
var ErrInvalidRequest = errors.New("identity: invalid request")

// maxTokenName bounds a token's label.
const maxTokenName = 100

// IssueToken creates an API token for the caller (an admin) in their own
// workspace, labelled name, with role at most the caller's: the secret is
// in the answer only, never stored. Every door calls this one function.
func (s *Service) IssueToken(ctx context.Context, c Caller, name string, role Role) (CreatedToken, error) {
	if err := c.Require(Admin); err != nil {
		return CreatedToken{}, err
	}
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return CreatedToken{}, fmt.Errorf("%w: name the token (what will use it, e.g. \"reporting script\")", ErrInvalidRequest)
	case utf8.RuneCountInString(name) > maxTokenName:
		return CreatedToken{}, fmt.Errorf("%w: the name is longer than %d characters", ErrInvalidRequest, maxTokenName)
	}
	if _, err := ParseRole(string(role)); err != nil {
		return CreatedToken{}, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	if !c.Role.AtLeast(role) {
		return CreatedToken{}, fmt.Errorf("%w: a token cannot have more than your role (%s)", ErrInvalidRequest, c.Role)
	}
	return s.CreateToken(ctx, c.WorkspaceID, c.UserID, role, name)
}

// WorkspaceTokens lists the caller's workspace's tokens (never secrets);
// admins only.
func (s *Service) WorkspaceTokens(ctx context.Context, c Caller) ([]Token, error) {
	if err := c.Require(Admin); err != nil {
		return nil, err
	}
	return s.store.ListTokens(ctx, c.WorkspaceID)
}

// RevokeWorkspaceToken revokes token id of the caller's workspace; admins
// only. Another workspace's token, or one already revoked, is ErrNotFound.
func (s *Service) RevokeWorkspaceToken(ctx context.Context, c Caller, id string) (Token, error) {
	tokens, err := s.WorkspaceTokens(ctx, c)
	if err != nil {
		return Token{}, err
	}
	for _, t := range tokens {
		if t.ID == id && t.RevokedAt.IsZero() {
			return s.RevokeToken(ctx, id)
		}
	}
	return Token{}, fmt.Errorf("identity: revoke token %s: %w", id, ErrNotFound)
}
