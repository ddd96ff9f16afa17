package library

import "strings"

// stopWords are the words that never make a hashtag on their own and break
// a phrase: English function words, the filler words and calls to action
// of marketing copy, and days of the week.
var stopWords = setOf(`a about above after again against all almost also although always am among an and another any anyone
anything are around as at away back be became because become been before being below best better between both but by can
cannot could day days did do does doing done down during each easy either else enough even ever every everyone everything
far few find first for from full further get gets getting give given go goes going gone good got great had has have having
he her here hers herself him himself his how however i if in into is it its itself just keep know last least less let lets
like little look lot lots made make makes many may me more most much must my myself need never new next no nor not nothing
now of off often on once one only or other others our ours ourselves out over own part per please put quite rather really
right same see seen several shall she should since so some something soon still such sure take than thank thanks that the
their theirs them themselves then there these they thing things this those though through thus to today together tomorrow
too took toward try two under until up upon us use used using very via want was way we week well were what whatever when
where whether which while who whom whose why will with within without would yes yet you your yours yourself yourselves
amp don doesn didn isn aren wasn weren won wouldn couldn shouldn ll ve re
start starts started starting end ends ended ending introduce introducing introduces join joining joined build building
check click read learn more sign buy come coming meet celebrate happy big huge amazing awesome exciting excited
incredible special announce announcing announced proud share sharing available ready here's off plus
monday tuesday wednesday thursday friday saturday sunday`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
