"""The app's screens: animals, one animal, population, pairings, releases, edit forms, help."""
