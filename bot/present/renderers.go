package present

import (
	"reflect"

	"github.com/marketingminds/marketingminds/bot/present/chart"
)

// New is the registry of every result type's renderers: the one place a
// result type is given its look in each door.
func New() *Registry {
	r := &Registry{byType: map[reflect.Type]entry{}}
	charts := new(chart.Painter) // one for the charts of every door
	// Failures and approvals.
	Register(r, failureRenderer())
	Register(r, approvalRenderer())
	// Accounts.
	Register(r, fromCard(accountsCard))
	Register(r, fromCard(disconnectedCard))
	Register(r, fromCard(connectCard))
	Register(r, fromCard(groupsCard))
	Register(r, fromCard(groupCard))
	Register(r, fromCard(groupDeletedCard))
	// Posts and jobs.
	Register(r, outcomeRenderer())
	Register(r, fromCard(scheduledCard))
	Register(r, fromCard(postCard))
	Register(r, fromCard(postsCard))
	Register(r, fromCard(draftCard))
	Register(r, fromCard(cancelCard))
	Register(r, fromCard(jobsCard))
	// Analytics.
	Register(r, fromCard(aggregateCard))
	Register(r, bestTimesRenderer(charts))
	Register(r, fromCard(overviewCard))
	Register(r, reviewRenderer(charts))
	Register(r, digestRenderer(charts))
	// E-mail and CRM.
	Register(r, fromCard(mailingListsCard))
	Register(r, fromCard(emailCard))
	Register(r, fromCard(crmCard))
	Register(r, fromCard(leadsCard))
	// Library, memory, plans and specialists.
	Register(r, fromCard(libraryItemCard))
	Register(r, fromCard(libraryCard))
	Register(r, fromCard(hashtagsCard))
	Register(r, fromCard(memoryCard))
	Register(r, fromCard(memoriesCard))
	Register(r, fromCard(planCard))
	Register(r, fromCard(specialistCard))
	Register(r, fromCard(mediaListCard))
	Register(r, fromCard(mediaCard))
	Register(r, fromCard(mediaDeletedCard))
	// The engagement inbox.
	Register(r, fromCard(inboxItemCard))
	Register(r, fromCard(inboxPageCard))
	// Media.
	Register(r, fromCard(convertedCard))
	return r
}
