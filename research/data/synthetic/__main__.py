"""``python -m research.data.synthetic --out FOLDER``: write the sample CRM (``make datasets``)."""

from research.data.synthetic.generator import main

raise SystemExit(main())
