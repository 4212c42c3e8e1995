"""The data's lifecycle beyond retention: erasure on a citizen's request, confirmed by a second user."""
