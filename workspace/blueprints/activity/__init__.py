"""Activity feeds: a network's, a course's and a person's."""
