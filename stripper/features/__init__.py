"""Features of lines and blocks, in the order they are computed: the
characters and words of the lines (`characters`, `words`), each line's own
features (`line`), the DOM's for HTML blocks (`dom`), and what nearby lines
say (`windows`, `context`)."""
