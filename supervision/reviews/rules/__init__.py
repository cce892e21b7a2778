"""The pure rules of expert reviews: the committee draw and recusal (``committee``), scores,
rounding and ranking (``scores``), the review's dated steps (``dates``)."""
