"""Pages of the improvement app: thin views that read input, ask the domain, render."""
