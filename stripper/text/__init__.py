"""Text input: a document's lines (`lines`) and their cells at column gaps,
read column by column (`cells`)."""
