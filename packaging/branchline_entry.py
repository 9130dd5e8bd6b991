"""The single-file binary's entry point (packaging/branchline.spec): the `branchline` command."""

from appliance.cli.main import main

if __name__ == "__main__":
    main()
