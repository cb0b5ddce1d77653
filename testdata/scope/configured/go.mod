module example.com/scope/configured

go 1.22
