"""Private chart helpers shared by every question's ``plotting`` module: the look
(:mod:`.style`), CJK fonts (:mod:`.fonts`, found on first draw), figure and number helpers
(:mod:`.axes`) and label placement (:mod:`.labels`)."""
