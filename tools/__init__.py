"""Developer tools of the vbr repository; not part of the installed package."""
