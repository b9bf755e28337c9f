package sunshine_test

// Checks that docker-compose.yml and the Dockerfile keep what `docker compose up`
// needs; no Docker engine is used.

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// composeFile is the part of docker-compose.yml that the tests look at.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
}

type composeService struct {
	Image       string                      `yaml:"image"`
	Build       any                         `yaml:"build"` // "." or {context: .}
	Ports       []string                    `yaml:"ports"`
	DependsOn   map[string]composeDependsOn `yaml:"depends_on"`
	Environment composeEnv                  `yaml:"environment"`
	Healthcheck *composeHealthcheck         `yaml:"healthcheck"`
}

type composeDependsOn struct {
	Condition string `yaml:"condition"`
}

type composeHealthcheck struct {
	Test    stringList `yaml:"test"`
	Disable bool       `yaml:"disable"`
}

// composeEnv accepts both forms Compose allows: a map, or a list of NAME=value.
type composeEnv map[string]string

func (e *composeEnv) UnmarshalYAML(n *yaml.Node) error {
	out := composeEnv{}
	switch n.Kind {
	case yaml.MappingNode:
		var m map[string]string
		if err := n.Decode(&m); err != nil {
			return err
		}
		for k, v := range m {
			out[k] = v
		}
	case yaml.SequenceNode:
		var l []string
		if err := n.Decode(&l); err != nil {
			return err
		}
		for _, kv := range l {
			k, v, _ := strings.Cut(kv, "=")
			out[k] = v
		}
	default:
		return fmt.Errorf("line %d: environment must be a map or a list", n.Line)
	}
	*e = out
	return nil
}

// stringList accepts a string or a list of strings (a healthcheck's test).
type stringList []string

func (s *stringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = stringList{n.Value}
		return nil
	}
	var l []string
	if err := n.Decode(&l); err != nil {
		return err
	}
	*s = l
	return nil
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	b, err := os.ReadFile("docker-compose.yml")
	require.NoError(t, err)
	var c composeFile
	require.NoError(t, yaml.Unmarshal(b, &c), "docker-compose.yml")
	return c
}

func requireHealthcheck(t *testing.T, name string, s composeService) {
	t.Helper()
	require.NotNil(t, s.Healthcheck, "service %s has no healthcheck", name)
	require.False(t, s.Healthcheck.Disable, "service %s disables its healthcheck", name)
	require.NotEmpty(t, s.Healthcheck.Test, "service %s: healthcheck has no test", name)
	require.NotEqual(t, "NONE", s.Healthcheck.Test[0], "service %s disables its healthcheck", name)
}

func TestComposeServices(t *testing.T) {
	t.Parallel()
	c := loadCompose(t)
	for _, name := range []string{"postgres", "mailpit", "sunshine"} {
		require.Contains(t, c.Services, name, "docker-compose.yml lacks service %s", name)
	}

	pg := c.Services["postgres"]
	require.Equal(t, "postgres:16", pg.Image)
	requireHealthcheck(t, "postgres", pg)

	requireHealthcheck(t, "mailpit", c.Services["mailpit"])

	// Published on this machine only: the demo's password and token are
	// public, and Mailpit shows every mail sent, sign-in links included.
	for name, s := range c.Services {
		for _, p := range s.Ports {
			require.True(t, strings.HasPrefix(p, "127.0.0.1:"), "service %s publishes %q on every interface", name, p)
		}
	}
}

func TestComposeSunshine(t *testing.T) {
	t.Parallel()
	s := loadCompose(t).Services["sunshine"]

	switch b := s.Build.(type) {
	case string:
		require.Equal(t, ".", b, "sunshine must build from the repository root")
	case map[string]any:
		require.Equal(t, ".", b["context"], "sunshine must build from the repository root")
	default:
		t.Fatalf("sunshine: build is %#v, want \".\"", s.Build)
	}

	for _, dep := range []string{"postgres", "mailpit"} {
		require.Contains(t, s.DependsOn, dep, "sunshine must depend on %s", dep)
		require.Equal(t, "service_healthy", s.DependsOn[dep].Condition, "sunshine's dependency on %s", dep)
	}

	published := false
	for _, p := range s.Ports {
		published = published || p == "8080:8080" || strings.HasSuffix(p, ":8080:8080")
	}
	require.True(t, published, "sunshine must publish port 8080, has %v", s.Ports)
	// serve refuses the demo on a public address (its password is public).
	if s.Environment["SUNSHINE_SEED_DEMO"] == "true" {
		base, err := url.Parse(s.Environment["SUNSHINE_BASE_URL"])
		require.NoError(t, err)
		require.Equal(t, "localhost", base.Hostname(), "the demo is seeded only where SUNSHINE_BASE_URL is localhost")
	}

	requireHealthcheck(t, "sunshine", s)

	for name := range s.Environment {
		require.True(t, strings.HasPrefix(name, "SUNSHINE_"),
			"sunshine's environment variable %s does not start with SUNSHINE_", name)
	}
	raw, ok := s.Environment["SUNSHINE_DATABASE_URL"]
	require.True(t, ok, "sunshine's environment must set SUNSHINE_DATABASE_URL")
	u, err := url.Parse(raw)
	require.NoError(t, err, "SUNSHINE_DATABASE_URL")
	require.Equal(t, "postgres", u.Hostname(), "SUNSHINE_DATABASE_URL must point at the postgres service")
}

// dockerInstr is one Dockerfile instruction: its keyword upper-cased and its arguments.
type dockerInstr struct{ cmd, args string }

func parseDockerfile(t *testing.T) []dockerInstr {
	t.Helper()
	b, err := os.ReadFile("Dockerfile")
	require.NoError(t, err)
	var out []dockerInstr
	var cur strings.Builder
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") || (line == "" && cur.Len() == 0) {
			continue
		}
		if rest, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(rest + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(strings.TrimSpace(cur.String()), " ")
		out = append(out, dockerInstr{strings.ToUpper(cmd), strings.TrimSpace(args)})
		cur.Reset()
	}
	return out
}

func TestComposeDockerfile(t *testing.T) {
	t.Parallel()
	instrs := parseDockerfile(t)

	last := -1
	for i, in := range instrs {
		if in.cmd == "FROM" {
			last = i
		}
	}
	require.GreaterOrEqual(t, last, 0, "Dockerfile has no FROM")

	// The final stage must run as a named or numbered user that is not root.
	user, workdir := "", "/"
	entrypoint := ""
	for _, in := range instrs[last+1:] {
		switch in.cmd {
		case "USER":
			user = in.args
		case "WORKDIR":
			workdir = in.args
		case "ENTRYPOINT":
			entrypoint = in.args
		}
	}
	// Without SMTP, mail goes to .data/outbox under the working directory:
	// the image's non-root user may write only its home.
	require.Equal(t, "/home/nonroot", workdir, "the final stage's WORKDIR must be writable by its user")
	name, _, _ := strings.Cut(user, ":")
	require.NotEmpty(t, name, "the final stage of the Dockerfile must set USER")
	require.NotContains(t, []string{"root", "0"}, name, "the final stage must not run as root")
	// docker-compose.yml's healthcheck runs /sunshine.
	require.Equal(t, `["/sunshine"]`, entrypoint, "the final stage's ENTRYPOINT")

	// go.mod names a toolchain newer than the base image's Go.
	toolchain := false
	for _, in := range instrs[:last] {
		if in.cmd != "ENV" {
			continue
		}
		f := strings.Fields(in.args)
		for _, kv := range f {
			toolchain = toolchain || kv == "GOTOOLCHAIN=auto"
		}
		toolchain = toolchain || (len(f) == 2 && f[0] == "GOTOOLCHAIN" && f[1] == "auto")
	}
	require.True(t, toolchain, "the Dockerfile's build stage must set ENV GOTOOLCHAIN=auto")
}
