from bip.cli import main

main()
