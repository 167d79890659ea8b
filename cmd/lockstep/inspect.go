package main

import "errors"

// inspectCmd is replaced by the weights work; placeholder keeps the build green.
type inspectCmd struct {
	File string `arg:"" help:"safetensors file"`
}

func (c *inspectCmd) Run() error { return errors.New("inspect: not implemented yet") }
