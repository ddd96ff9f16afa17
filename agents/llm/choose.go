package llm

// Choose returns the model the configuration asks for: the offline planner
// when neither an API key nor a base URL is set (nothing to talk to), else
// the OpenAI-compatible model (a local endpoint such as Ollama may need no
// key).
func Choose(cfg Config) (Model, error) {
	if cfg.APIKey == "" && cfg.BaseURL == "" {
		return Offline(), nil
	}
	m, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return m, nil
}
