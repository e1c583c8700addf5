#!/usr/bin/env python
from minxin.cli import main

if __name__ == "__main__":
    main()
