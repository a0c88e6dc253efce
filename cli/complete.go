package cli

import (
	"strings"

	"github.com/spf13/cobra"
)

// completePaths completes secret paths from the store's index.
func completePaths(a *App) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		s, err := a.openStore()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		secrets, _, err := s.List()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var paths []string
		for _, sec := range secrets {
			if strings.HasPrefix(sec.Path, toComplete) {
				paths = append(paths, sec.Path+"\t"+sec.Owner)
			}
		}
		return paths, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeMembers completes the names of the store's members.
func completeMembers(a *App) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		s, err := a.openStore()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var names []string
		for _, n := range s.Recipients.MemberNames() {
			if strings.HasPrefix(n, toComplete) {
				names = append(names, n)
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}
