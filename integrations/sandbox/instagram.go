package sandbox

// PLACEHOLDER: filled in by the platform's emulation.

func (s *Sandbox) routesInstagram() {}

// isInstagramGraphPath reports whether a graph.facebook.com path belongs to
// the Instagram Graph API (an ig-user or container), so faults for
// "instagram" match it.
func isInstagramGraphPath(path string) bool { return false }
