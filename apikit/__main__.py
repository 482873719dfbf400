from apikit.cli import main

main()
