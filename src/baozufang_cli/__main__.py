from baozufang_cli.cli.app import main

main()
