"""HTML input: decoding and parsing pages (`decode`), the flags an element's
tag and class words carry (`flags`), and the walk of a page into text blocks
(`blocks`)."""
