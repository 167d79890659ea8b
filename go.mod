module github.com/lockstep-av/lockstep

go 1.26

require (
	github.com/alecthomas/kong v1.17.0
	github.com/x448/float16 v0.8.4
)
