"""One reader per input format; each turns bytes into `Document`s."""
