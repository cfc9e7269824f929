from baozufang_cli.cli import main

main()
