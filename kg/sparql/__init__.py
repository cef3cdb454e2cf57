"""kg's SPARQL toolkit: one tokenizer (:mod:`kg.sparql.lexer`) for every place that reads
query text (parameter checks, term binding, the SERVICE guard)."""
