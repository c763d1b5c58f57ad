"""One module per migration, named ``NNNN_what.py``; never edit one that has been released."""
