from aekit.cli.app import main

main()
