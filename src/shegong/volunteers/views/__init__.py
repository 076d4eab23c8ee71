"""Server-rendered pages of volunteer service, one module per noun or audience: staff and team
leaders (activities, hours, people, socialwork, teams, training, exports), the volunteer's H5
activity pages (mobile) and the public pages (public). This package re-exports nothing."""
