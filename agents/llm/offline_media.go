package llm

import (
	"fmt"
	"strconv"

	"github.com/marketingminds/marketingminds/agents/intent"
)

// pickMedia reads which of the conversation's media (oldest first) a post,
// a library item, alt text or a deletion takes: the ones its words pick
// ("the second one", "both", "the image above"), or for "post this" and
// "save it" the last one shared; none when nothing was shared. problem says
// in words why the pick cannot be made.
func pickMedia(c intent.Command, shared []Media) (ids []string, problem string) {
	pick := c.Media
	switch c.Kind {
	case intent.KindPost, intent.KindSchedule, intent.KindSave:
		if pick == "" && c.Ref == intent.RefLast && len(shared) > 0 {
			pick = intent.MediaLast
		}
	case intent.KindMediaAlt, intent.KindMediaDelete:
	default:
		return nil, ""
	}
	if pick == "" {
		return nil, ""
	}
	if len(shared) == 0 {
		return nil, noMedia(c.Kind)
	}
	switch pick {
	case intent.MediaLast:
		return []string{shared[len(shared)-1].ID}, ""
	case intent.MediaAll:
		for _, m := range shared {
			ids = append(ids, m.ID)
		}
		return ids, ""
	}
	n, err := strconv.Atoi(pick)
	if err != nil || n < 1 {
		return nil, ""
	}
	if n > len(shared) {
		return nil, fmt.Sprintf("There %s only %d in this conversation: %s.", isAre(len(shared)), len(shared), mediaNames(shared))
	}
	return []string{shared[n-1].ID}, ""
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// mediaNames numbers the media for a person: "1. a.jpg, 2. b.jpg".
func mediaNames(shared []Media) string {
	s := ""
	for i, m := range shared {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%d. %s", i+1, m.Name)
	}
	return s
}

// withMedia attaches ids to the post calls among cs.
func withMedia(cs []call, ids []string) []call {
	if len(ids) == 0 {
		return cs
	}
	for i := range cs {
		if cs[i].name == "publish_post" || cs[i].name == "schedule_post" {
			cs[i].args["media_ids"] = ids
		}
	}
	return cs
}
