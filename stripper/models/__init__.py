"""The two models: `line.LineModel` for text and `html.HtmlModel` for pages,
stacked from the shared pieces of `stages`, saved and loaded by `files`."""
