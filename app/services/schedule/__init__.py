"""The schedule area: every deadline and due date across the areas (deadlines), and the
calendar file made of them (ics)."""
