"""One module per document kind: build its context from the model and scores, render it."""
