"""The pure rules of the pilots: formal review (``formal``), product codes (``codes``), the
reporting calendar (``periods``), complaints (``complaints``)."""
