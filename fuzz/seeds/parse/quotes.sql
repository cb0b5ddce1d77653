select E'\'';' as x; select $tag$ ; $tag$; --> statement-breakpoint
select "q;";
﻿