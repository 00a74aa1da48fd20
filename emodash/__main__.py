from emodash.cli import main

raise SystemExit(main())
