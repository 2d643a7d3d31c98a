"""What the `anju` command needs besides its argument parser: one-line errors, progress,
and the guards of `anju serve`."""
