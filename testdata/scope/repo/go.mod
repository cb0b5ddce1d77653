module example.com/scope/repo

go 1.22
